import { mountRole } from '../app/mount';
import { KioskApp } from './KioskApp';
import './kiosk.css';

mountRole('kiosk', KioskApp);
