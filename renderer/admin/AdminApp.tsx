import { StatusBanner } from '../app/StatusBanner';

export function AdminApp() {
  return (
    <div className="admin">
      <StatusBanner />
    </div>
  );
}
