/**
 * The root of the cislab package (the folder holding package.json), found once from this file's location.
 * The same from the sources (src/io/) and from the build (dist/io/): both sit two levels below the root.
 */
import { resolve } from 'node:path';

export const PACKAGE_ROOT = resolve(__dirname, '..', '..');
