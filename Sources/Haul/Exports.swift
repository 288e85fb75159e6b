// What an embedder needs comes with `import Haul`: the problem and plan types and the options.
@_exported import HaulCore
// The online allocator: one order at a time, nearest warehouse with capacity and stock.
@_exported import class HaulAllocation.OnlineAllocator
@_exported import enum HaulAllocation.OnlineAllocationError
