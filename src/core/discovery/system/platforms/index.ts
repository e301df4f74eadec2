import type { Locator } from '../../types'
import { AWS_LOCATOR } from './aws'
import { AZURE_LOCATOR } from './azure'
import { DATABRICKS_LOCATOR } from './databricks'
import { GCLOUD_LOCATOR } from './gcloud'
import { HUGGINGFACE_LOCATOR } from './huggingface'
import { KUBERNETES_LOCATOR } from './kubernetes'
import { MLFLOW_LOCATOR } from './mlflow'
import { MODAL_LOCATOR } from './modal'
import { REPLICATE_LOCATOR } from './replicate'
import { RUNPOD_LOCATOR } from './runpod'
import { WANDB_LOCATOR } from './wandb'

/** AI platform connections, one locator per platform, in report order. */
export const PLATFORM_LOCATORS: readonly Locator[] = [
  HUGGINGFACE_LOCATOR,
  DATABRICKS_LOCATOR,
  AWS_LOCATOR,
  GCLOUD_LOCATOR,
  AZURE_LOCATOR,
  WANDB_LOCATOR,
  MLFLOW_LOCATOR,
  MODAL_LOCATOR,
  RUNPOD_LOCATOR,
  REPLICATE_LOCATOR,
  KUBERNETES_LOCATOR,
]
