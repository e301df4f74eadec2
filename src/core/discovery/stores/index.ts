import type { Locator } from '../types'
import { AUTOMATIC1111_LOCATOR } from './automatic1111'
import { COMFYUI_LOCATOR } from './comfyui'
import { DOCKER_MODEL_RUNNER_LOCATOR } from './docker-model-runner'
import { GPT4ALL_LOCATOR } from './gpt4all'
import { HUGGINGFACE_LOCATOR } from './huggingface'
import { JAN_LOCATOR } from './jan'
import { KERAS_LOCATOR } from './keras'
import { LLAMA_CPP_LOCATOR } from './llama-cpp'
import { LM_STUDIO_LOCATOR } from './lm-studio'
import { LOCALAI_LOCATOR } from './localai'
import { MSTY_LOCATOR, OLLAMA_LOCATOR } from './ollama'
import { TEXT_GENERATION_WEBUI_LOCATOR } from './text-generation-webui'
import { TORCH_HUB_LOCATOR } from './torch-hub'

/**
 * Model store locators, in probe order. The HF cache goes first: later stores (llama.cpp's
 * hub-layout cache, adapters) link to its repo assets. vLLM and mlx_lm have no store of their
 * own (they use the HF hub cache).
 */
export const STORE_LOCATORS: readonly Locator[] = [
  HUGGINGFACE_LOCATOR,
  OLLAMA_LOCATOR,
  MSTY_LOCATOR,
  LM_STUDIO_LOCATOR,
  GPT4ALL_LOCATOR,
  JAN_LOCATOR,
  LLAMA_CPP_LOCATOR,
  TORCH_HUB_LOCATOR,
  KERAS_LOCATOR,
  COMFYUI_LOCATOR,
  AUTOMATIC1111_LOCATOR,
  TEXT_GENERATION_WEBUI_LOCATOR,
  LOCALAI_LOCATOR,
  DOCKER_MODEL_RUNNER_LOCATOR,
]
