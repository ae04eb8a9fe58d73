// The adb transport and the Android helpers built on it.
export { AdbTransport, createAdbTransport, type AdbTransportOptions, type AdbTransportSpec } from './transport.js';
export { listAdbDevices, DEFAULT_ADB_SERVER } from './server.js';
export { parseDeviceList, type AdbDeviceEntry } from './device-list.js';
export { ensureWorkDir, cleanWorkDir } from './work-dir.js';
export { setFixedPerformanceMode, enableFixedPerformanceMode, withFixedPerformanceMode } from './performance-mode.js';
export { readBattery, THROTTLING_STATUS } from './facts.js';
