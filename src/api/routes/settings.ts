import type { RouteModule } from '../app.js';

/** Not written yet: registers nothing. */
export const settingsRoutes: RouteModule = () => {};
