import { mountRole } from '../app/mount';
import { EvaluatorApp } from './EvaluatorApp';
import './evaluator.css';

mountRole('evaluator', EvaluatorApp);
