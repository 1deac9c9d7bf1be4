// @ts-check
// Photos from a phone camera are often 3–8 MB; scaled down to 1600 px JPEG before upload they
// are a few hundred kB, which matters on a mobile connection. Canvas and FileReader work in
// every phone browser, WeChat's included.
const MAX_SIDE = 1600;

/**
 * @param {Blob} blob
 * @returns {Promise<string>}
 */
function readDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    // readAsDataURL: the result is a string
    reader.onload = () => resolve(/** @type {string} */ (reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

/**
 * @param {string} url
 * @returns {Promise<HTMLImageElement>}
 */
function loadImage(url) {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('无法读取图片'));
    img.src = url;
  });
}

/**
 * { filename, mime, content_base64 } ready for POST /api/tickets/:id/attachments.
 * @param {File} file
 */
export async function photoUpload(file) {
  const original = await readDataUrl(file);
  const img = await loadImage(original);
  const scale = Math.min(1, MAX_SIDE / Math.max(img.naturalWidth, img.naturalHeight));
  if (scale === 1 && ['image/jpeg', 'image/png', 'image/webp'].includes(file.type)) {
    return { filename: file.name, mime: file.type, content_base64: original.slice(original.indexOf(',') + 1) };
  }
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(img.naturalWidth * scale);
  canvas.height = Math.round(img.naturalHeight * scale);
  /** @type {CanvasRenderingContext2D} a 2d context is always there for a new canvas */ (canvas.getContext('2d')).drawImage(
    img,
    0,
    0,
    canvas.width,
    canvas.height,
  );
  const jpeg = canvas.toDataURL('image/jpeg', 0.85);
  return { filename: `${file.name.replace(/\.[^.]*$/, '')}.jpg`, mime: 'image/jpeg', content_base64: jpeg.slice(jpeg.indexOf(',') + 1) };
}
