export { initialStage, moveToStage } from './deal-stages.js';
export { createDealRepository, toDeal, type DealRepository } from './deal.repository.js';
export { createDealsService, type DealsService } from './deals.service.js';
export { createDealsRouter } from './deals.routes.js';
