#!/usr/bin/env node
// The installed command. The project is TypeScript run through tsx; registering it here keeps the
// package free of a build step while `availability-check` works from any directory.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');
