# The service's own cloud resources, one state per environment. Shared
# infrastructure (VPC, clusters, Vault, the state buckets) belongs to the
# platform team and is only looked up here.

provider "aws" {
  region = var.aws_region

  # Every resource carries the cost-allocation tags Paved reads
  # (paved.dev/cost-allocation: app=<service>).
  default_tags {
    tags = local.tags
  }
}

# Address and token come from VAULT_ADDR and VAULT_TOKEN (CI logs in to Vault
# with its OIDC token; nobody holds a long-lived Vault token).
provider "vault" {}

locals {
  tags = {
    app         = var.service
    owner       = var.owner
    system      = var.system
    environment = var.environment
    managed-by  = "terraform"
  }
  # Vault KV v2 path (without the mount) of the service's secrets in this environment.
  secret_path = "${var.service}/${var.environment}"
}

data "aws_eks_cluster" "this" {
  name = var.eks_cluster_name
}

# The application's own secrets. Terraform only creates the path so the
# ExternalSecret can sync from day one; the team adds keys in Vault and
# Terraform leaves them alone.
resource "vault_kv_secret_v2" "app" {
  mount = var.vault_kv_mount
  name  = local.secret_path
  data_json = jsonencode({
    CREATED_BY = "terraform"
  })

  lifecycle {
    ignore_changes = [data_json]
  }
}
