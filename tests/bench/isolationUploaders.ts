/**
 * The uploading counters of `npm run bench -- isolation`, in a process of their own (as real
 * counters are other machines: their hashing and file generation never run on the server's
 * event loop). argv: the server's URL, then one counter token per uploader (the first lines of
 * stdin carry them, so no token is on a command line). Uploads until stdin closes, then prints
 * one JSON line of what it did.
 */
import { createHash, randomBytes } from 'node:crypto';

const CHUNK = 1024 * 1024;
const FILE_CHUNKS = Number(process.env.ISOLATION_FILE_CHUNKS ?? 4);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

const input: string[] = [];
let stopping = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d: string) => input.push(...d.split('\n').filter(Boolean)));
process.stdin.on('end', () => {
  stopping = true;
});
while (input.length === 0) await wait(5);
const [url, ...tokens] = input.shift()!.split(' ');
const stats = { chunks: 0, files: 0, throttled: 0, refused: 0 };

async function uploader(token: string): Promise<void> {
  while (!stopping) {
    const file = randomBytes(FILE_CHUNKS * CHUNK);
    file.set([0xff, 0xd8, 0xff, 0xe0]);
    const hash = sha(file);
    const res = await fetch(`${url}/api/materials/uploads`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ sha256: hash, bytes: file.length, mime: 'image/jpeg', chunkBytes: CHUNK }),
    });
    await res.text();
    if (res.status === 429) {
      stats.throttled += 1;
      await wait(1000 * Number(res.headers.get('retry-after') ?? 1));
      continue;
    }
    if (res.status !== 200) throw new Error(`announce: ${res.status}`);
    for (let i = 0; i < FILE_CHUNKS && !stopping; ) {
      const data = file.subarray(i * CHUNK, (i + 1) * CHUNK);
      const r = await fetch(`${url}/api/materials/uploads/${hash}/chunks/${i}`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'x-chunk-sha256': sha(data) },
        body: data,
      });
      const text = await r.text();
      if (r.status === 429) {
        stats.throttled += 1;
        await wait(1000 * Number(r.headers.get('retry-after') ?? 1));
        continue;
      }
      if (r.status !== 200) {
        stats.refused += 1;
        throw new Error(`chunk: ${r.status} ${text}`);
      }
      stats.chunks += 1;
      i += 1;
    }
    stats.files += 1;
  }
}

await Promise.all(tokens.map((t) => uploader(t)));
process.stdout.write(JSON.stringify(stats) + '\n');
