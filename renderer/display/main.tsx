import { mountRole } from '../app/mount';
import { DisplayApp } from './DisplayApp';
import './display.css';

mountRole('display', DisplayApp);
