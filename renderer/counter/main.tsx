import { mountRole } from '../app/mount';
import { CounterApp } from './CounterApp';
import './counter.css';

mountRole('counter', CounterApp);
