// Every `bench` command, in the order `bench --help` lists them.
import type { Command } from './command.js';
import { blocksCommand } from './commands/blocks.js';
import { candidatesCommand } from './commands/candidates.js';
import { catalogCommand } from './commands/catalog.js';
import { compareCommand } from './commands/compare.js';
import { devicesCommand } from './commands/devices.js';
import { exportCommand } from './commands/export.js';
import { lutExportCommand } from './commands/lut-export.js';
import { lutShowCommand } from './commands/lut-show.js';
import { pipelineCommand } from './commands/pipeline.js';
import { predictCommand } from './commands/predict.js';
import { reportParetoCommand } from './commands/report-pareto.js';
import { reportRegressionCommand } from './commands/report-regression.js';
import { searchCommand } from './commands/search.js';

export const commands: Command[] = [
  blocksCommand,
  candidatesCommand,
  pipelineCommand,
  catalogCommand,
  devicesCommand,
  exportCommand,
  lutShowCommand,
  lutExportCommand,
  predictCommand,
  searchCommand,
  reportParetoCommand,
  reportRegressionCommand,
  compareCommand,
];
