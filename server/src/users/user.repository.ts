import { isValidObjectId, type Connection } from 'mongoose';
import type { CreateUserRequest, Language, Role, User } from '@crm/shared';
import { AppError } from '../http/app-error.js';
import { hashPassword } from './password.js';
import { userModel, type UserDocument } from './user.model.js';

export interface NewUser {
  login: string;
  password: string;
  /** A bcrypt hash of `password` computed already (seeding many users with one known password). */
  passwordHash?: string;
  displayName: string;
  role: Role;
  extension?: string | null;
  queues?: string[];
  language?: Language;
}

export interface UserChanges {
  password?: string;
  displayName?: string;
  role?: Role;
  extension?: string | null;
  queues?: string[];
  language?: Language;
  disabled?: boolean;
}

/** A stored user with the hash, for the login check only; everything else sees `User`. */
export interface UserWithSecret {
  user: User;
  passwordHash: string;
}

type StoredUser = UserDocument & { _id: unknown };

export function toUser(doc: StoredUser): User {
  return {
    id: String(doc._id),
    login: doc.login,
    displayName: doc.displayName,
    role: doc.role,
    extension: doc.extension ?? null,
    queues: [...(doc.queues ?? [])],
    language: doc.language,
    disabled: doc.disabled,
  };
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export interface UserRepository {
  findById(id: string): Promise<User | null>;
  findByLogin(login: string): Promise<UserWithSecret | null>;
  findByExtension(extension: string): Promise<User | null>;
  list(): Promise<User[]>;
  count(): Promise<number>;
  create(input: NewUser | CreateUserRequest): Promise<User>;
  update(id: string, changes: UserChanges): Promise<User>;
}

export function createUserRepository(connection: Connection): UserRepository {
  const Users = userModel(connection);

  const assertLoginFree = async (loginKey: string) => {
    if (await Users.exists({ loginKey })) throw AppError.conflict('A user with this login already exists', { field: 'login' });
  };
  const assertExtensionFree = async (extension: string | null | undefined, exceptId?: string) => {
    if (!extension) return;
    const holder = await Users.findOne({ extension }).lean<StoredUser>();
    if (holder && String(holder._id) !== exceptId) {
      throw AppError.conflict(`Extension ${extension} already belongs to ${holder.login}`, { field: 'extension' });
    }
  };

  return {
    async findById(id) {
      if (!isValidObjectId(id)) return null;
      const doc = await Users.findById(id).lean<StoredUser>();
      return doc ? toUser(doc) : null;
    },
    async findByLogin(login) {
      const doc = await Users.findOne({ loginKey: login.trim().toLowerCase() }).lean<StoredUser>();
      return doc ? { user: toUser(doc), passwordHash: doc.passwordHash } : null;
    },
    async findByExtension(extension) {
      const doc = await Users.findOne({ extension }).lean<StoredUser>();
      return doc ? toUser(doc) : null;
    },
    async list() {
      const docs = await Users.find().sort({ loginKey: 1 }).lean<StoredUser[]>();
      return docs.map(toUser);
    },
    async count() {
      return Users.countDocuments();
    },
    async create(input) {
      const login = input.login.trim();
      const loginKey = login.toLowerCase();
      await assertLoginFree(loginKey);
      await assertExtensionFree(input.extension);
      try {
        const doc = await Users.create({
          login,
          loginKey,
          passwordHash: ('passwordHash' in input && input.passwordHash) || (await hashPassword(input.password)),
          displayName: input.displayName,
          role: input.role,
          extension: input.extension ?? null,
          queues: input.queues ?? [],
          language: input.language ?? 'ru',
          disabled: false,
        });
        return toUser(doc.toObject() as StoredUser);
      } catch (error) {
        if (isDuplicateKey(error)) throw AppError.conflict('A user with this login already exists', { field: 'login' });
        throw error;
      }
    },
    async update(id, changes) {
      if (!isValidObjectId(id)) throw AppError.notFound('User');
      const { password, ...rest } = changes;
      if (rest.extension !== undefined) await assertExtensionFree(rest.extension, id);
      const update: Partial<UserDocument> = { ...rest };
      if (password !== undefined) update.passwordHash = await hashPassword(password);
      const doc = await Users.findByIdAndUpdate(id, { $set: update }, { returnDocument: 'after' }).lean<StoredUser>();
      if (!doc) throw AppError.notFound('User');
      return toUser(doc);
    },
  };
}
