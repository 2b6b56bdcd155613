import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import './styles.css';
import './theme/light.css';
import { watchSystemTheme } from './theme/store.js';

// Paint the remembered theme (or the system's) before the first frame, and follow the system's changes.
watchSystemTheme();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
