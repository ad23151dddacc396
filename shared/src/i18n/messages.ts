import type { en } from './catalogs/en.js';

/** Same keys as a catalog, every leaf a string: what each translation must provide. */
type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

/** The shape every message catalog has (English defines it). */
export type Messages = Widen<typeof en>;
