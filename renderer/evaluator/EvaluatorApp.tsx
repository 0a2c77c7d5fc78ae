import { StatusBanner } from '../app/StatusBanner';

export function EvaluatorApp() {
  return (
    <div className="evaluator">
      <StatusBanner />
    </div>
  );
}
