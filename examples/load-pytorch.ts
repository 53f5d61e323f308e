// Weights trained in PyTorch, used in latentlab: load a `torch.save(model.state_dict())` file into
// the same architecture and check that both give the same outputs for the same inputs.
// The PyTorch side (test/fixtures/make_model_fixtures.py writes both files):
//   torch.save(model.state_dict(), "conv_ae_state_dict.pt")
//   write_safetensors("conv_ae_io.safetensors", {"inputs": x, "codes": model.encoder(x), "outputs": model(x)})
//   npm run build:ts && node dist/examples/load-pytorch.js [state_dict.pt io.safetensors]
import { fileURLToPath } from 'node:url';
import { loadSafetensors, loadTorch, models, noGrad, tidy, type Tensor } from 'latentlab';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/models/${name}`, import.meta.url));
const [statePath = fixture('conv_ae_state_dict.pt'), ioPath = fixture('conv_ae_io.safetensors')] = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));

const state = loadTorch(statePath) as Record<string, Tensor>; // PyTorch's zip format, read without Python
const model = new models.ConvAutoencoder({ latent: 8 });
model.loadStateDict(state); // strict: every name and shape must match PyTorch's ("encoder.0.weight", ...)
model.eval(); // batch norm uses the running statistics saved with the weights

const { tensors: io } = loadSafetensors(ioPath);
const largestDifference = (a: Tensor, b: Tensor) => tidy(() => a.sub(b).abs().max().item());
noGrad(() => {
  const codes = model.encode(io.inputs!);
  const outputs = model.decode(codes);
  const codeError = largestDifference(codes, io.codes!);
  const outputError = largestDifference(outputs, io.outputs!);
  console.log(`largest difference to PyTorch: codes ${codeError.toExponential(1)}, outputs ${outputError.toExponential(1)}`);
  // float32 convolutions summed in another order differ by about 1e-7, not more
  if (!(codeError < 1e-5 && outputError < 1e-5)) throw new Error('latentlab and PyTorch disagree');
});
for (const t of [...Object.values(state), ...Object.values(io)]) t.dispose();
model.dispose();
