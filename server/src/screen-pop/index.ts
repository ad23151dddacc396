export { buildScreenPop, clientNumberOf, type NumberFacts, type ScreenPopInput } from './screen-pop.js';
export { createScreenPopService, type RingingEvent, type ScreenPopService } from './screen-pop.service.js';
export { startScreenPop, type RingingSource, type ScreenPopWiring } from './screen-pop.wiring.js';
