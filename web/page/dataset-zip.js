// dataset-zip.js — a dataset folder's files (name → Blob) as one .zip, written with fflate's
// streaming Zip: each file is read in chunks from its Blob and the zip comes out as a list of
// chunks, so no second whole copy of a large spriteclip is held. Images, compressed audio and
// .npy go in stored (deflating them gains little); JSON and text are deflated.
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

const STORED = /\.(png|jpe?g|webp|flac|mp3|ogg|opus|m4a|npy)$/i;

/** files: [[name, Blob]]; folder: the folder name inside the zip ('' for none). Resolves a Blob
 *  of type application/zip. */
export function zipFiles(files, folder = '') {
  return new Promise((resolve, reject) => {
    const chunks = [];
    const zip = new Zip((err, chunk, final) => {
      if (err) return reject(err);
      chunks.push(chunk);
      if (final) resolve(new Blob(chunks, { type: 'application/zip' }));
    });
    (async () => {
      for (const [name, blob] of files) {
        const path = folder ? `${folder}/${name}` : name;
        const entry = STORED.test(name)
          ? new ZipPassThrough(path)
          : new ZipDeflate(path, { level: 6 });
        zip.add(entry);
        const reader = blob.stream().getReader();
        let prev = null;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          if (prev) entry.push(prev);
          prev = value;
        }
        entry.push(prev ?? new Uint8Array(0), true);
      }
      zip.end();
    })().catch(reject);
  });
}
