/** The runtime half of the Node-RED package: one registration function per node type. */
export { registerSmartMeterIn } from './smart-meter-in';
export { registerSmartMeterDecode } from './smart-meter-decode';
