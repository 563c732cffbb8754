output "vault_secret_path" {
  description = "Vault path of the service's secrets (what the ExternalSecret reads)."
  value       = "${var.vault_kv_mount}/data/${local.secret_path}"
}

output "database_endpoint" {
  description = "PostgreSQL endpoint, when the service has a database."
  value       = var.database ? aws_db_instance.this[0].endpoint : null
}

output "bucket_name" {
  description = "Bucket name, when the service has a bucket."
  value       = var.bucket ? aws_s3_bucket.this[0].bucket : null
}

output "eks_cluster_name" {
  description = "The environment's cluster; CI deploys the Kubernetes manifests there."
  value       = var.eks_cluster_name
}
