import '@crm/shared/ui/tokens.css';
import '@crm/shared/ui/shell.css';
import './styles.css';
import { mountConsole } from '@crm/shared/ui/index.js';
import { App } from './app.js';

mountConsole(App);
