// Every `bench` command, in the order `bench --help` lists them.
import type { Command } from './command.js';

export const commands: Command[] = [];
