/**
 * Namespaces a model config may name in `_target_` / `class_path` / `target` without a finding:
 * the model-building libraries whose published checkpoints and configs use these keys. Each entry
 * says where it comes from. Everything not listed here (and everything the pickle deny list
 * denies, which is checked first) is a critical finding: the issue is that these loaders call
 * whatever the string names, so the list stays short and specific.
 */
export type AllowEntry = Readonly<{ prefix: string; source: string }>

export const INSTANTIATION_ALLOWLIST: readonly AllowEntry[] = [
  // PyTorch API reference (pytorch.org/docs): layers, losses, optimizers, schedulers,
  // distributions and data loading classes that Hydra and LightningCLI configs build.
  { prefix: 'torch.nn', source: 'PyTorch API reference: torch.nn' },
  { prefix: 'torch.optim', source: 'PyTorch API reference: torch.optim, lr_scheduler' },
  { prefix: 'torch.distributions', source: 'PyTorch API reference: torch.distributions' },
  { prefix: 'torch.utils.data', source: 'PyTorch API reference: torch.utils.data' },
  { prefix: 'torchvision.models', source: 'torchvision documentation: models' },
  { prefix: 'torchvision.transforms', source: 'torchvision documentation: transforms' },
  { prefix: 'torchaudio.models', source: 'torchaudio documentation: models' },
  { prefix: 'torchaudio.transforms', source: 'torchaudio documentation: transforms' },
  { prefix: 'torchmetrics', source: 'TorchMetrics documentation: metric classes' },
  // NVIDIA NeMo: model_config.yaml inside published .nemo checkpoints names
  // nemo.collections.<domain>.{models,modules,losses,parts,...} and NeMo's optimizer wrappers.
  { prefix: 'nemo.collections', source: 'NeMo model_config.yaml of published .nemo checkpoints' },
  { prefix: 'nemo.core.optim', source: 'NeMo documentation: optimizers and schedulers' },
  { prefix: 'megatron.core', source: 'Megatron-Core model configs used by NeMo 2' },
  // Lightning: LightningCLI configs (class_path / init_args) name callbacks, loggers, strategies.
  { prefix: 'lightning.pytorch', source: 'Lightning documentation: LightningCLI class_path' },
  { prefix: 'pytorch_lightning', source: 'Lightning documentation: LightningCLI class_path' },
  { prefix: 'lightning.fabric', source: 'Lightning Fabric documentation' },
  { prefix: 'lightning_fabric', source: 'Lightning Fabric documentation' },
  // Hugging Face libraries whose classes Hydra/Lightning configs instantiate.
  { prefix: 'transformers', source: 'transformers documentation: model and config classes' },
  { prefix: 'diffusers', source: 'diffusers documentation: schedulers and models' },
  { prefix: 'peft', source: 'PEFT documentation: adapter configs' },
  { prefix: 'timm', source: 'timm documentation: models, optimizers, schedulers' },
  { prefix: 'sentence_transformers', source: 'sentence-transformers documentation: modules' },
  // Research codebases whose published checkpoints ship instantiation configs.
  { prefix: 'uni2ts', source: 'Salesforce Uni2TS (Moirai) model configs' },
  { prefix: 'flextok', source: 'Apple FlexTok model configs' },
  { prefix: 'ldm', source: 'CompVis latent-diffusion / Stable Diffusion v1 configs (target:)' },
  { prefix: 'sgm', source: 'Stability AI generative-models (SDXL) configs (target:)' },
  { prefix: 'taming', source: 'taming-transformers (VQGAN) configs (target:)' },
]

/**
 * Callables inside allowed namespaces that still load files, code or other models by path or
 * name: they are findings even though their namespace is listed.
 */
export const INSTANTIATION_DENY_SUFFIXES: readonly string[] = [
  'load_from_checkpoint',
  'restore_from',
  'load_state_dict_from_url',
  'hf_hub_download',
  'snapshot_download',
]

export function allowedNamespace(dotted: string): AllowEntry | undefined {
  for (const e of INSTANTIATION_ALLOWLIST) {
    if (dotted === e.prefix || dotted.startsWith(`${e.prefix}.`)) return e
  }
  return undefined
}
