/**
 * Connection strings carry passwords; anything that prints one (a start-up error, a log line)
 * shows it through {@link redactUrl} first.
 */

/**
 * The URL with its password replaced by `****`; works on strings that are not valid URLs too.
 *
 * @example
 * redactUrl("postgres://studio:s3cret@db:5432/studio"); // "postgres://studio:****@db:5432/studio"
 */
export function redactUrl(url: string): string {
  // userinfo is everything between "//" and the LAST "@" before the path: passwords may hold "@".
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)@/i, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(":");
    return colon === -1 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:****@`;
  });
}

/** `text` with every occurrence of the password of `url` replaced by `****` (for error messages). */
export function redactPasswordIn(text: string, url: string | undefined): string {
  const password = url ? passwordOf(url) : "";
  if (!password) return text;
  let out = text;
  for (const form of new Set([password, encodeURIComponent(password)])) out = out.replaceAll(form, "****");
  return out;
}

function passwordOf(url: string): string {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)@/i.exec(url)?.[1] ?? "";
  const colon = userinfo.indexOf(":");
  if (colon === -1) return "";
  const raw = userinfo.slice(colon + 1);
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
