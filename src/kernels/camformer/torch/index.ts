// src/kernels/camformer/torch: PyTorch checkpoints (ZIP or legacy torch.save files, tar bundles) as cislab models.
export { importTorch, listTarCheckpoints, isTarBundle, type ImportTorchOptions, type ImportReport, type ImportedModel } from './import-torch';
export { loadWeights, type LoadedWeights } from './weights';
export { readTorchFile, namedTensors, TorchTensor, TorchStorage, type NamedTensor } from './checkpoint';
export { mapTensors, modelFromMapped, type MappedWeights, type TensorMapping } from './map';
export { unpickle, PyDict, PyGlobal, PyObject, PyTuple, type UnpickleOptions, type GlobalHandler } from './pickle';
