/**
 * Text as it is spoken, for matching a script against what a voice or a transcription says (pure).
 * "Dr. Smith paid $42 in 1999" and "doctor smith paid forty two dollars in nineteen ninety nine"
 * become the same words: lower case, no accents or apostrophes, numbers, years, ordinals, decimals,
 * currency and percentages read out, a few common abbreviations expanded, hyphenated words split.
 */

/** A word of the written text and where it is, as offsets into the text (for highlighting). */
export interface TextToken {
  text: string;
  start: number;
  end: number;
}

const TOKEN = /[$€£]?[\p{L}\p{N}]+(?:['’.,:\-][\p{L}\p{N}]+)*%?/gu;

/**
 * Splits written text into words with their offsets; punctuation around words is left out, and
 * "1,000", "3.5", "it's", "well-known", "$42" and "10%" stay whole.
 *
 * @example
 * tokenizeText("Dr. Smith paid $42.") // → [{text: "Dr", start: 0, end: 2}, {text: "Smith", …}, {text: "paid", …}, {text: "$42", …}]
 */
export function tokenizeText(text: string): TextToken[] {
  return [...text.matchAll(TOKEN)].map((m) => ({ text: m[0], start: m.index!, end: m.index! + m[0].length }));
}

const ABBREVIATIONS: Record<string, string[]> = {
  dr: ["doctor"],
  mr: ["mister"],
  mrs: ["missus"],
  ms: ["miz"],
  vs: ["versus"],
  etc: ["et", "cetera"],
  st: ["saint"],
  "&": ["and"],
};

const CURRENCY: Record<string, string> = { $: "dollars", "€": "euros", "£": "pounds" };

/**
 * The words a listener hears for one written token (a word or a number), normalised for matching.
 *
 * @example
 * spokenWords("$42")   // → ["forty", "two", "dollars"]
 * spokenWords("1999")  // → ["nineteen", "ninety", "nine"]
 * spokenWords("3rd")   // → ["third"]
 * spokenWords("It’s")  // → ["its"]
 */
export function spokenWords(token: string): string[] {
  let word = token.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().replace(/[’']/g, "");
  const suffix: string[] = [];
  const currency = CURRENCY[word[0]];
  if (currency) word = word.slice(1);
  if (word.endsWith("%")) {
    word = word.slice(0, -1);
    suffix.push("percent");
  }
  if (currency) suffix.unshift(currency);
  word = word.replace(/^[^\p{L}\p{N}&]+|[^\p{L}\p{N}&]+$/gu, "");
  if (!word) return suffix;
  if (ABBREVIATIONS[word]) return [...ABBREVIATIONS[word], ...suffix];
  if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(word)) word = word.replace(/,/g, "");
  let spoken: string[];
  const ordinal = /^(\d+)(st|nd|rd|th)$/.exec(word);
  if (ordinal) spoken = ordinalWords(Number(ordinal[1]));
  else if (/^\d+\.\d+$/.test(word)) {
    const [whole, fraction] = word.split(".");
    spoken = [...numberWords(whole), "point", ...[...fraction].flatMap((d) => cardinal(Number(d)))];
  } else if (/^\d+$/.test(word)) spoken = numberWords(word);
  else {spoken = word.split(/[\-.,:]+/).filter((w) => w.length > 0).flatMap((w) =>
      /^\d+$/.test(w) ? numberWords(w) : [w]
    );}
  return [...spoken, ...suffix];
}

/** A whole number as spoken; four-digit numbers from 1100 to 2099 (not 2000–2009) read as years. */
function numberWords(digits: string): string[] {
  const n = Number(digits);
  if (!Number.isSafeInteger(n)) return [...digits].flatMap((d) => cardinal(Number(d)));
  if (digits.length === 4 && n >= 1100 && n < 2100 && !(n >= 2000 && n < 2010)) {
    const high = Math.floor(n / 100);
    const low = n % 100;
    if (low === 0) return [...cardinal(high), "hundred"];
    return [...cardinal(high), ...(low < 10 ? ["oh"] : []), ...cardinal(low)];
  }
  return cardinal(n);
}

const ONES = [
  "zero",
  "one",
  "two",
  "three",
  "four",
  "five",
  "six",
  "seven",
  "eight",
  "nine",
  "ten",
  "eleven",
  "twelve",
  "thirteen",
  "fourteen",
  "fifteen",
  "sixteen",
  "seventeen",
  "eighteen",
  "nineteen",
];
const TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const SCALES: [number, string][] = [[1e12, "trillion"], [1e9, "billion"], [1e6, "million"], [1e3, "thousand"]];

/** A cardinal number in words, without "and": 342 → three hundred forty two. */
export function cardinal(n: number): string[] {
  if (n < 20) return [ONES[n]];
  if (n < 100) return n % 10 === 0 ? [TENS[n / 10]] : [TENS[Math.floor(n / 10)], ONES[n % 10]];
  if (n < 1000) return [ONES[Math.floor(n / 100)], "hundred", ...(n % 100 ? cardinal(n % 100) : [])];
  for (const [size, name] of SCALES) {
    if (n >= size) {
      const rest = n % size;
      return [...cardinal(Math.floor(n / size)), name, ...(rest ? cardinal(rest) : [])];
    }
  }
  return [String(n)];
}

const IRREGULAR_ORDINALS: Record<string, string> = {
  one: "first",
  two: "second",
  three: "third",
  five: "fifth",
  eight: "eighth",
  nine: "ninth",
  twelve: "twelfth",
};

function ordinalWords(n: number): string[] {
  const words = cardinal(n);
  const last = words[words.length - 1];
  const ordinal = IRREGULAR_ORDINALS[last] ?? (last.endsWith("y") ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...words.slice(0, -1), ordinal];
}
