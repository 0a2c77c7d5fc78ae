/**
 * R9: the clerk at this window, shown to the citizen: photo, name, post, duties, commitment, in
 * the screen's language (the English card where the hall wrote one; otherwise the Chinese alone).
 */
import { useState } from 'react';
import type { Staff } from '../../shared/config/schemas';
import type { Bilingual } from '../../shared/config/text';
import { Bi } from '../i18n/Bi';

export function Avatar({ staff, size }: { staff: Staff; size: number }) {
  const [failed, setFailed] = useState(false);
  if (staff.photo && !failed) {
    return <img className="avatar" src={staff.photo} alt={staff.name} width={size} height={size * 1.25} onError={() => setFailed(true)} data-testid="staff-photo" />;
  }
  // No photo: the name's first character, as on the hall's printed staff boards.
  return (
    <div className="avatar avatar-initial" style={{ width: size, height: size * 1.25, fontSize: size * 0.5 }} aria-hidden="true" data-testid="staff-avatar">
      {Array.from(staff.name)[0] ?? '?'}
    </div>
  );
}

export function StaffCard({ staff }: { staff: Staff }) {
  return (
    <section className="staff-card" data-testid="staff-card">
      <div className="staff-badge">
        <Bi t={{ zh: '窗口工作人员', en: 'Staff at this window' }} />
      </div>
      <div className="staff-top">
        <Avatar staff={staff} size={160} />
        <div className="staff-facts">
          <div className="staff-name" data-testid="staff-name">
            {staff.name}
          </div>
          <div className="staff-id">
            <Bi t={{ zh: `工号 ${staff.id}`, en: `Staff no. ${staff.id}` }} />
          </div>
          {staff.post ? <Fact label={{ zh: '岗位', en: 'Post' }} text={bilingual(staff.post, staff.en?.post)} testid="staff-post" /> : null}
        </div>
      </div>
      <div className="staff-bottom">
        {staff.duties ? <Fact label={{ zh: '职责', en: 'Duties' }} text={bilingual(staff.duties, staff.en?.duties)} testid="staff-duties" /> : null}
        {staff.commitment ? (
          <div className="staff-commitment">
            <Fact label={{ zh: '服务承诺', en: 'Our commitment' }} text={bilingual(staff.commitment, staff.en?.commitment)} testid="staff-commitment" />
          </div>
        ) : null}
      </div>
    </section>
  );
}

/** A card field in both languages; without an English text the Chinese stands alone (Bi shows it once). */
function bilingual(zh: string, en: string | undefined): Bilingual {
  return { zh, en: en?.trim() ? en : zh };
}

function Fact({ label, text, testid }: { label: Bilingual; text: Bilingual; testid: string }) {
  return (
    <div className="staff-fact">
      <span className="staff-fact-label">
        <Bi t={label} />
      </span>
      <span className="staff-fact-text" data-testid={testid}>
        <Bi t={text} />
      </span>
    </div>
  );
}
