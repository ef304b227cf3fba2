/** A URL inside any text: its scheme, then everything up to a space or a quote. */
const URL_IN_TEXT = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s"'<>`]+)/gi;

/**
 * `text` with the password of every URL in it replaced by `***`, in the user part and in a `password` or
 * `sslpassword` parameter (libpq takes both). The one function every face runs a `--db` value or a message
 * through before showing or logging it; a text without a URL (a file path) comes back as it is.
 *
 * @example
 * redactUrl('postgres://slmem:secret@db:5432/slmem'); // 'postgres://slmem:***@db:5432/slmem'
 */
export function redactUrl(text: string): string {
  return text.replace(URL_IN_TEXT, (_, scheme: string, rest: string) => scheme + redactRest(rest));
}

function redactRest(rest: string): string {
  // The user part ends at the last "@" before the query, so an unescaped "@" or "/" in a password is hidden too.
  const queryAt = rest.search(/[?#]/);
  const at = (queryAt === -1 ? rest : rest.slice(0, queryAt)).lastIndexOf('@');
  const colon = rest.indexOf(':');
  const hidden = colon !== -1 && colon < at ? `${rest.slice(0, colon)}:***${rest.slice(at)}` : rest;
  return hidden.replace(/([?&;][^=&#]*password=)[^&#]*/gi, '$1***');
}
