/** The ID card of this session: the masked name only (R21), so the citizen sees it was read. */
import type { CardRead } from '../../shared/identity/card';
import { Bi } from '../i18n/Bi';
import { CardIcon } from './Icons';

export function CardStrip({ card }: { card: CardRead }) {
  return (
    <div className="card-strip" data-testid="card-strip">
      <CardIcon size={44} />
      <Bi t={{ zh: `已读取身份证：${card.nameMasked}`, en: `ID card read: ${card.nameMasked}` }} />
    </div>
  );
}
