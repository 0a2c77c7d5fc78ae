/**
 * JSON only as a file to carry settings between halls (issue 17): export downloads what is
 * stored; import reads a file, checks it with the same zod schema the server uses and hands
 * the parsed value on; a file that is not JSON or does not pass says why (zh and en) and
 * nothing changes.
 */
import { useRef } from 'react';
import type { z } from 'zod';
import type { Bilingual } from '../../../shared/config/text';
import { Bi } from '../../i18n/Bi';
import { Button } from './Form';
import { parseImport } from './importJson';

export function downloadJson(fileName: string, value: unknown): void {
  const blob = new Blob([`${JSON.stringify(value, null, 2)}\n`], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function JsonTransfer<S extends z.ZodType>({
  fileName,
  value,
  schema,
  onImport,
  onError,
  name,
}: {
  fileName: string;
  /** What export writes (the stored value). */
  value: () => unknown;
  schema: S;
  /** A file that passed the schema. */
  onImport: (value: z.output<S>) => void | Promise<void>;
  onError: (message: Bilingual) => void;
  name: string;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <span className="json-transfer" data-transfer={name}>
      <Button name={`export-${name}`} onClick={() => downloadJson(fileName, value())}>
        <Bi t={{ zh: '导出 JSON', en: 'Export JSON' }} only />
      </Button>
      <Button name={`import-${name}`} onClick={() => input.current?.click()}>
        <Bi t={{ zh: '导入 JSON', en: 'Import JSON' }} only />
      </Button>
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        hidden
        name={`import-${name}-file`}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (!file) return;
          void file.text().then((text) => {
            const r = parseImport(text, schema);
            if (r.ok) return onImport(r.value);
            onError(r.message);
          });
        }}
      />
    </span>
  );
}
