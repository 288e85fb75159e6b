// Independent plan checkers.
import HaulCore
