/** The URL without credentials, for messages and logs. */
export function safeUrl(url: string): string {
  const { protocol, host } = new URL(url);
  return `${protocol}//${host}`;
}
