// Every `bench` command, in the order `bench --help` lists them.
import type { Command } from './command.js';
import { blocksCommand } from './commands/blocks.js';
import { catalogCommand } from './commands/catalog.js';
import { exportCommand } from './commands/export.js';
import { lutShowCommand } from './commands/lut-show.js';
import { reportRegressionCommand } from './commands/report-regression.js';

export const commands: Command[] = [blocksCommand, catalogCommand, exportCommand, lutShowCommand, reportRegressionCommand];
