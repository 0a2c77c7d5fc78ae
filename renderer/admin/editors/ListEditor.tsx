/**
 * A list of configuration entries with add / edit / remove, and the form of the one being
 * edited. Each editor supplies its columns and its form.
 */
import { useState, type ReactNode } from 'react';
import type { Bilingual } from '../../../shared/config/text';
import { Bi } from '../../i18n/Bi';
import { Button, OutcomeNote, type Outcome } from './Form';

export interface Column<T> {
  title: Bilingual;
  cell: (item: T) => ReactNode;
}

export function ListEditor<T extends { id: string }>({
  title,
  items,
  columns,
  form,
  onRemove,
  testid,
}: {
  title: Bilingual;
  items: T[];
  columns: Column<T>[];
  /** The form for an entry (undefined: a new one); `done` closes it. */
  form: (item: T | undefined, done: (message: Bilingual) => void) => ReactNode;
  onRemove: (item: T) => Promise<Outcome>;
  testid: string;
}) {
  const [editing, setEditing] = useState<{ item: T | undefined; n: number } | null>(null);
  const [outcome, setOutcome] = useState<Outcome>(null);
  const open = (item: T | undefined) => {
    setOutcome(null);
    setEditing((e) => ({ item, n: (e?.n ?? 0) + 1 }));
  };
  return (
    <section className="editor" data-testid={testid}>
      <header className="editor-head">
        <h2>
          <Bi t={title} />
        </h2>
        <Button kind="primary" name="add" onClick={() => open(undefined)}>
          <Bi t={{ zh: '+ 新增', en: '+ Add' }} />
        </Button>
      </header>
      <OutcomeNote outcome={editing ? null : outcome} />
      <div className={`editor-body${editing ? ' editor-body-editing' : ''}`}>
        <table className="table">
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th key={i}>
                  <Bi t={c.title} />
                </th>
              ))}
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <tr key={item.id} data-row={item.id} className={editing?.item?.id === item.id ? 'row-editing' : ''}>
                {columns.map((c, i) => (
                  <td key={i}>{c.cell(item)}</td>
                ))}
                <td className="row-actions">
                  <Button name="edit" onClick={() => open(item)}>
                    <Bi t={{ zh: '编辑', en: 'Edit' }} only />
                  </Button>
                  <Button
                    name="remove"
                    kind="danger"
                    onClick={() => {
                      if (!window.confirm(`删除 ${item.id}？ / Remove ${item.id}?`)) return;
                      void onRemove(item).then((o) => {
                        setEditing(null);
                        setOutcome(o);
                      });
                    }}
                  >
                    <Bi t={{ zh: '删除', en: 'Remove' }} only />
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {editing ? (
          <div className="editor-form" key={`${editing.item?.id ?? '+'}-${editing.n}`} data-testid={`${testid}-form`}>
            <div className="editor-form-head">
              <h3>{editing.item ? <Bi t={{ zh: `编辑 ${editing.item.id}`, en: `Edit ${editing.item.id}` }} /> : <Bi t={{ zh: '新增', en: 'New' }} />}</h3>
              <Button name="close" onClick={() => setEditing(null)}>
                <Bi t={{ zh: '关闭', en: 'Close' }} only />
              </Button>
            </div>
            {form(editing.item, (message) => {
              setEditing(null);
              setOutcome({ ok: true, message });
            })}
          </div>
        ) : null}
      </div>
    </section>
  );
}
