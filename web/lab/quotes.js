// Option quotes from pasted CSV: fields split as RFC 4180 says (quoted fields may hold the
// separator and doubled quotes), the separator found from the header line (, ; or tab), numbers
// read strictly, and every line that cannot be read reported with its reason; nothing is
// guessed silently.
//
// Columns, by header name in any order (without a header: strike, price, kind, expiry):
//   strike; price (or mid, last, premium), or bid and ask (the mid is priced); kind (or type,
//   cp, right: call/put/c/p); expiry in years (or maturity, t), or days (dte): days / 365;
//   optionally rate (r) and dividend (q, div), each row's continuously compounded rate and yield
//   (a term structure: one pair per expiry), else the defaults'.

/** Header names -> the field they fill. */
const NAMES = {
  strike: "strike", k: "strike",
  price: "price", mid: "price", last: "price", premium: "price",
  bid: "bid", ask: "ask",
  kind: "kind", type: "kind", cp: "kind", right: "kind", option_type: "kind",
  expiry: "expiry", maturity: "expiry", t: "expiry", years: "expiry",
  days: "days", dte: "days", expiry_days: "days",
  rate: "rate", r: "rate", dividend: "dividend", q: "dividend", div: "dividend", dividend_yield: "dividend",
};
const DEFAULT_ORDER = ["strike", "price", "kind", "expiry"];
const KINDS = { call: "call", c: "call", put: "put", p: "put" };
const DAYS_PER_YEAR = 365;
// Expiries longer than this, in a column said to be in years, are far more likely days.
const MAX_YEARS = 30;
// A double holds 15-17 significant digits; a vol is never shown to more than 15.
const MAX_DIGITS = 15;

/** One line's fields (RFC 4180 quoting; a field is trimmed unless quoted). */
export function splitLine(line, sep) {
  const out = [];
  let i = 0;
  while (i <= line.length) {
    while (line[i] === " ") i++;
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length) {
        if (line[i] === '"' && line[i + 1] === '"') { value += '"'; i += 2; }
        else if (line[i] === '"') { i++; break; }
        else value += line[i++];
      }
      while (i < line.length && line[i] !== sep) i++;
      out.push({ text: value, quoted: true });
    } else {
      let end = line.indexOf(sep, i);
      if (end < 0) end = line.length;
      out.push({ text: line.slice(i, end).trim(), quoted: false });
      i = end;
    }
    i++; // past the separator
  }
  return out;
}

/** The separator of a file: the header line's most frequent of tab, semicolon and comma
 * (outside quotes); a single-column line falls back to comma. */
export function detectSeparator(line) {
  const unquoted = line.replace(/"[^"]*"/g, "");
  let best = ",";
  let bestCount = 0;
  for (const sep of ["\t", ";", ","]) {
    const n = unquoted.split(sep).length - 1;
    if (n > bestCount) [best, bestCount] = [sep, n];
  }
  return best;
}

/** A number from a field, or an Error saying why not. With ";" or tab as separator a comma is
 * the decimal mark (13,03); with "," a quoted field may group thousands ("1,000.5"). */
export function readNumber(field, sep) {
  let text = field.text.replace(/[\s\u00a0]/g, "");
  if (sep !== "," && /^[+-]?\d*,\d+$/.test(text)) text = text.replace(",", ".");
  else if (sep === "," && field.quoted && /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(text)) text = text.replaceAll(",", "");
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return new Error(`"${field.text}" is not a number`);
  return Number(text);
}

/** Parses the CSV: `{rows, errors, header}`; each row `{line, strike, price, kind, expiry,
 * bid?, ask?, rate?, dividend?}`. Missing kind/expiry come from `defaults`. */
export function parseQuotes(text, defaults) {
  const lines = text.split(/\r?\n/);
  const rows = [];
  const errors = [];
  let order = DEFAULT_ORDER;
  let sep = null;
  let header = false;
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const at = `line ${i + 1}`;
    if (line === "" || line.startsWith("#")) return;
    if (sep === null) {
      sep = detectSeparator(line);
      const names = splitLine(line, sep).map((f) => f.text.toLowerCase().replace(/[\s-]+/g, "_"));
      if (names.some((n) => n in NAMES)) {
        header = true;
        const unknown = names.filter((n) => !(n in NAMES));
        if (unknown.length) errors.push(`${at}: unknown column ${unknown.map((u) => `"${u}"`).join(", ")} (ignored)`);
        order = names.map((n) => NAMES[n] ?? null);
        const has = (f) => order.includes(f);
        if (!has("strike") || !(has("price") || (has("bid") && has("ask")))) {
          errors.push(`${at}: the header needs strike, and price (or mid) or bid and ask`);
        }
        return;
      }
    }
    const fields = splitLine(line, sep);
    const row = { line: i + 1, kind: defaults.kind, expiry: defaults.expiry };
    const problems = [];
    const digits = {};
    if (fields.length > order.length) {
      const sepName = { ",": "comma", ";": "semicolon", "\t": "tab" }[sep];
      problems.push(`${fields.length} fields but ${order.length} columns (a decimal comma in a ${sepName}-separated line? quote the field, or separate with ";")`);
    }
    order.forEach((name, j) => {
      const field = fields[j];
      if (!name || field === undefined || field.text === "") return;
      if (name === "kind") {
        const kind = KINDS[field.text.toLowerCase()];
        if (kind) row.kind = kind;
        else problems.push(`kind "${field.text}" is not call, put, C or P`);
        return;
      }
      const value = readNumber(field, sep);
      if (value instanceof Error) problems.push(`${name} ${value.message}`);
      else row[name] = value;
      if (name === "price" || name === "bid" || name === "ask") digits[name] = significantDigits(field.text);
    });
    // How many digits the price carries: the implied vol is shown to no more (the mid of a
    // bid/ask pair one more than its sides).
    row.digits = Math.min(MAX_DIGITS, digits.price ?? Math.max(digits.bid ?? 0, digits.ask ?? 0) + 1);
    if (row.days !== undefined) row.expiry = row.days / DAYS_PER_YEAR;
    if (row.price === undefined && row.bid !== undefined && row.ask !== undefined) {
      if (row.bid > row.ask) problems.push(`bid ${row.bid} is above ask ${row.ask} (a crossed quote)`);
      else row.price = (row.bid + row.ask) / 2;
    }
    if (row.days === undefined && row.expiry > MAX_YEARS) {
      problems.push(`expiry ${row.expiry} years: if it is in days, name the column "days"`);
    }
    if (!problems.length && (row.strike === undefined || row.price === undefined)) {
      problems.push("needs a strike and a price (or bid and ask)");
    }
    if (problems.length) errors.push(`${at}: ${problems.join("; ")}`);
    else rows.push(row);
  });
  return { rows, errors, header };
}

/** Significant digits a decimal string carries ("13.03" -> 4, "0.050" -> 2). */
export function significantDigits(text) {
  const digits = String(text).replace(/^[+-]/, "").replace(/[eE].*$/, "").replace(/[.,]/, "");
  const trimmed = digits.replace(/^0+/, "");
  return Math.max(1, trimmed.length);
}
