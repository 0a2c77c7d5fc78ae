/** Reading a JSON file the admin imports: parsed, then checked with the server's own zod schema. */
import type { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';
import { explainError } from './explain';

export type ImportResult<T> = { ok: true; value: T } | { ok: false; message: Bilingual };

/** Parse a file's text as `schema`; every problem explained in both languages. */
export function parseImport<S extends z.ZodType>(text: string, schema: S): ImportResult<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: { zh: '未导入：文件不是有效的 JSON。', en: 'Not imported: the file is not valid JSON.' } };
  }
  const r = schema.safeParse(json);
  if (!r.success) {
    const m = explainError(r.error);
    return { ok: false, message: { zh: m.zh.replace(/^未保存：/, '未导入：'), en: m.en.replace(/^Not saved: /, 'Not imported: ') } };
  }
  return { ok: true, value: r.data };
}
