import type { JsonPath } from "../json-path.js";
import { invalid } from "./values.js";

/**
 * Splits a command string into words as a POSIX shell would without expanding anything (Compose
 * does this for `command: echo "a b"` → ["echo", "a b"]): single quotes are literal, double quotes
 * allow backslash escapes, a backslash outside quotes escapes the next character.
 */
export function splitShellWords(text: string, path: JsonPath): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1)
        invalid(path, `unterminated single quote in ${JSON.stringify(text)}`, "close the ' quote");
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === "\\" && j + 1 < text.length && '"\\$`\n'.includes(text[j + 1]!)) j++;
        word += text[j];
      }
      if (j >= text.length)
        invalid(path, `unterminated double quote in ${JSON.stringify(text)}`, 'close the " quote');
      inWord = true;
      i = j;
    } else if (c === "\\" && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
