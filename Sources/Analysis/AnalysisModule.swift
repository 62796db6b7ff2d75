import Expr
import Kube
