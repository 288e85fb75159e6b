/// Where one item sits in a cargo space.
///
/// `x`, `y`, `z` are the coordinates of the item's corner nearest the origin (front wall, left
/// side, floor); `length`, `width`, `height` are its extents along x, y and z as placed, i.e. one
/// of its allowed orientations. The rear door is at x = the cargo space's length.
public struct PlacementPlan: Sendable, Codable, Equatable {
    /// The item's id.
    public var item: String
    public var x: Double
    public var y: Double
    public var z: Double
    /// Extent along x (towards the door).
    public var length: Double
    /// Extent along y (across).
    public var width: Double
    /// Extent along z (up).
    public var height: Double

    public init(item: String, x: Double, y: Double, z: Double, length: Double, width: Double, height: Double) {
        self.item = item
        self.x = x
        self.y = y
        self.z = z
        self.length = length
        self.width = width
        self.height = height
    }
}
