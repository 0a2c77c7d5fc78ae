import { mountRole } from '../app/mount';
import { AdminApp } from './AdminApp';
import './admin.css';

mountRole('admin', AdminApp);
