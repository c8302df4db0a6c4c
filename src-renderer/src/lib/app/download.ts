/** Offers a URL (data: or blob:) as a download named `fileName`, the way a browser link would. */
export function downloadUrl(url: string, fileName: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

/** Downloads bytes as a file; the object URL is released once the download has started. */
export function downloadBytes(bytes: Uint8Array<ArrayBuffer>, mimeType: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: mimeType }));
  downloadUrl(url, fileName);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Draws canvases on top of each other over a background colour and downloads the result as a PNG. */
export function downloadCanvasesAsPng(layers: readonly HTMLCanvasElement[], background: string, fileName: string): void {
  const first = layers[0];
  if (!first) return;
  const out = document.createElement('canvas');
  out.width = first.width;
  out.height = first.height;
  const ctx = out.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, out.width, out.height);
  for (const layer of layers) ctx.drawImage(layer, 0, 0);
  downloadUrl(out.toDataURL('image/png'), fileName);
}
