// Probability distributions beyond the Gaussian of nn/losses: the von Mises–Fisher distribution
// and the Bessel functions it needs.
export { besselRatio, logBesselI, logGamma, meanResultantLength } from './bessel.js';
export {
  acceptedProposals, klToUniformValue, klVonMisesFisherToUniform, logNormalizer, logSphereArea, rsampleVonMisesFisher, withRejectionCorrection,
  type VonMisesFisherDraw,
} from './von-mises-fisher.js';
