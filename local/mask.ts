/** Shows enough of an email address or phone number to recognize it, not to read it: c***@e***.com, +33******78. */
export function maskAddress(address: string): string {
  const at = address.indexOf("@");
  if (at > 0) {
    const domain = address.slice(at + 1);
    const dot = domain.lastIndexOf(".");
    const host = dot > 0 ? domain.slice(0, dot) : domain;
    const tld = dot > 0 ? domain.slice(dot) : "";
    return `${address[0]}***@${host[0] ?? ""}***${tld}`;
  }
  if (address.length <= 5) return "*".repeat(address.length);
  return `${address.slice(0, 3)}${"*".repeat(address.length - 5)}${address.slice(-2)}`;
}
