// files.mjs — what the CLI reads and says: the audio files under the paths given, and the
// progress lines on stderr.
import fs from 'node:fs';
import path from 'node:path';

export const AUDIO_EXT = /\.(wav|wave|aif|aiff|aifc|flac|ogg|oga|mp3|m4a|aac|opus|webm)$/i;

/** Files and folders (walked recursively, audio names only, in name order) → [{file, rel}]:
 *  the absolute path and the name the dataset gives it (a folder's files under its name). */
export function collectFiles(inputs, log) {
  const out = [];
  const seen = new Set();
  const add = (abs, rel) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ file: abs, rel: rel.split(path.sep).join('/') });
  };
  for (const input of inputs) {
    let st;
    try {
      st = fs.statSync(input);
    } catch {
      log(`${input}: no such file or folder`);
      continue;
    }
    if (st.isDirectory()) {
      const root = path.resolve(input);
      const walk = (dir) => {
        let entries;
        try {
          entries = fs.readdirSync(dir, { withFileTypes: true });
        } catch (e) {
          log(`${dir}: ${e.message}`);
          return;
        }
        entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        for (const e of entries) {
          const p = path.join(dir, e.name);
          if (e.isDirectory()) walk(p);
          else if (e.isFile() && AUDIO_EXT.test(e.name)) {
            add(p, path.join(path.basename(root), path.relative(root, p)));
          }
        }
      };
      walk(root);
    } else add(path.resolve(input), path.basename(input));
  }
  return out;
}

/** Progress on stderr: log(msg) a line; tick(done, total, failed) a throttled count with an
 *  estimate of the time left (one line updated in place on a terminal). */
export function progress(quiet) {
  const t0 = Date.now();
  let last = 0;
  const tty = process.stderr.isTTY;
  return {
    log(msg) {
      if (tty && !quiet) process.stderr.write('\r\x1b[K');
      process.stderr.write(`${msg}\n`);
    },
    tick(done, total, failed, what = 'analysed') {
      if (quiet) return;
      const now = Date.now();
      if (done < total && now - last < (tty ? 100 : 2000)) return;
      last = now;
      const el = (now - t0) / 1000;
      const left = done ? (el / done) * (total - done) : 0;
      const msg =
        `${what} ${done}/${total} files` +
        (failed ? ` · ${failed} failed` : '') +
        (done < total && done ? ` · about ${Math.ceil(left)} s left` : ` · ${el.toFixed(1)} s`);
      process.stderr.write(tty ? `\r\x1b[K${msg}${done === total ? '\n' : ''}` : `${msg}\n`);
    },
  };
}
