// A link that carries the program: `#NAME=TEXT`, the text compressed
// (deflate) and written in URL-safe base64. Files besides the program
// (a loaded CSV) are not carried.

const toBase64 = (bytes) =>
  btoa(String.fromCharCode(...bytes)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
const fromBase64 = (text) =>
  Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));

async function pipe(bytes, stream) {
  const out = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await out.arrayBuffer());
}

/** The page's address with the program in it. */
export async function share(name, text) {
  const packed = await pipe(new TextEncoder().encode(text), new CompressionStream('deflate-raw'));
  const url = new URL(location.href);
  url.hash = `${encodeURIComponent(name)}=${toBase64(packed)}`;
  return url.toString();
}

/** The program a link carries, `{main, text}`, or null. */
export async function shared(hash) {
  const match = /^#([^=]+)=([A-Za-z0-9_-]+)$/.exec(hash);
  if (!match) return null;
  try {
    const bytes = await pipe(fromBase64(match[2]), new DecompressionStream('deflate-raw'));
    return { main: decodeURIComponent(match[1]), text: new TextDecoder().decode(bytes) };
  } catch {
    return null;
  }
}
