// What an embedder needs comes with `import Haul`: the problem and plan types and the options.
@_exported import HaulCore
