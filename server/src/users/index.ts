export { createUserRepository, toUser } from './user.repository.js';
export type { NewUser, UserChanges, UserRepository, UserWithSecret } from './user.repository.js';
export { userModel } from './user.model.js';
export { hashPassword, verifyPassword } from './password.js';
