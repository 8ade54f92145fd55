export { ok, type TemplateError, type TemplateErrorKind, type TemplateResult } from './result';
export { createTemplateEngine, type CompiledTemplate, type TemplateEngine, type TemplateEngineOptions } from './engine';
export {
  BUILT_IN_FILTERS,
  bareFilter,
  epochFilter,
  homieIdFilter,
  isoFilter,
  jsonFilter,
  mergeFilter,
  obisSlugFilter,
  roundFilter,
  topicIdFilter,
} from './filters';
export { templateContext, type TemplateContext, type TemplateContextExtras, type TemplateMeter, type TemplateReading } from './context';
export {
  BUILT_IN_PRESETS,
  DEFAULT_PRESET,
  compilePreset,
  presetStateTopics,
  presetValueTemplate,
  renderPreset,
  renderSnapshot,
  renderSnapshotTemplate,
  type CompiledPreset,
  type CompiledPresetMessage,
  type PresetDefinition,
  type PresetMessage,
  type RenderedMessage,
} from './presets';
